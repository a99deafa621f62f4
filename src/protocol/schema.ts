/**
 * A small schema language for untrusted JSON: each schema is both a runtime check and, through
 * `Infer`, the TypeScript type it admits. The contracts of both boundaries (gateway payloads, host
 * <-> webview messages) are written once with it, so a type and its guard can never drift apart.
 * Imports nothing; runs in the extension host and in the webview.
 */

/** Checks a value; returns undefined when it fits, else a short description of the first problem. */
export interface Schema<T> {
  check(value: unknown): string | undefined;
  /** Never set: carries the type for `Infer`. */
  readonly __type?: T;
}

/** A schema that may be left out of an object. */
export interface OptionalSchema<T> extends Schema<T | undefined> {
  readonly optional: true;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

type Shape = Record<string, Schema<unknown>>;
type OptionalKeys<P extends Shape> = { [K in keyof P]: P[K] extends OptionalSchema<unknown> ? K : never }[keyof P];
type Flatten<T> = { [K in keyof T]: T[K] } & {};
export type InferShape<P extends Shape> = Flatten<
  { -readonly [K in Exclude<keyof P, OptionalKeys<P>>]: Infer<P[K]> } & { -readonly [K in OptionalKeys<P>]?: Exclude<Infer<P[K]>, undefined> }
>;

const schema = <T>(check: (value: unknown) => string | undefined): Schema<T> => ({ check });

/** Whether `value` fits `s`, as a type guard. */
export function is<T>(s: Schema<T>, value: unknown): value is T {
  return s.check(value) === undefined;
}

/** A string of at most `max` characters (and at least `min`). */
export function string(limits: { min?: number; max?: number } = {}): Schema<string> & { readonly limits: typeof limits } {
  const { min = 0, max = Infinity } = limits;
  // `limits` (like `values`, `max` and `strict` below) lets a test list a contract's bounds.
  return {
    limits,
    ...schema<string>((v) =>
      typeof v !== 'string' ? 'not a string' : v.length < min ? `shorter than ${min}` : v.length > max ? `longer than ${max} characters` : undefined,
    ),
  };
}

/** A finite number within [min, max]; `integer` for whole numbers only. */
export function number(limits: { min?: number; max?: number; integer?: boolean } = {}): Schema<number> & { readonly limits: typeof limits } {
  const { min = -Infinity, max = Infinity, integer = false } = limits;
  return {
    limits,
    ...schema<number>((v) => {
      if (typeof v !== 'number' || !Number.isFinite(v)) return 'not a finite number';
      if (integer && !Number.isInteger(v)) return 'not an integer';
      return v < min ? `below ${min}` : v > max ? `above ${max}` : undefined;
    }),
  };
}

export function boolean(): Schema<boolean> {
  return schema((v) => (typeof v === 'boolean' ? undefined : 'not a boolean'));
}

/** One of the given strings. */
export function literal<const T extends string>(...values: readonly T[]): Schema<T> & { readonly values: readonly T[] } {
  return { values, ...schema<T>((v) => (values.includes(v as T) ? undefined : `not one of ${values.join(', ')}`)) };
}

/** Any value at all: for fields passed through as they are. */
export function unknown(): Schema<unknown> {
  return schema(() => undefined);
}

export function optional<T>(inner: Schema<T>): OptionalSchema<T> & { readonly inner: Schema<T> } {
  return { optional: true, inner, check: (v) => (v === undefined ? undefined : inner.check(v)) };
}

/** An array of at most `max` elements, each fitting `item`. */
export function array<T>(item: Schema<T>, limits: { max?: number } = {}): Schema<T[]> & { readonly item: Schema<T>; readonly max: number } {
  const max = limits.max ?? Infinity;
  // `item` (like `shape` and `shapes`) lets a test walk a contract field by field.
  return {
    item,
    max,
    ...schema<T[]>((v) => {
      if (!Array.isArray(v)) return 'not an array';
      if (v.length > max) return `more than ${max} elements`;
      for (let i = 0; i < v.length; i++) {
        const problem = item.check(v[i]);
        if (problem) return `[${i}] ${problem}`;
      }
      return undefined;
    }),
  };
}

/** A JSON object (not null, not an array). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An optional string field of an untrusted value (undefined when the value is no object or the field no string). */
export function str(value: unknown, key: string): string | undefined {
  if (!isRecord(value)) return undefined;
  const field = value[key];
  return typeof field === 'string' ? field : undefined;
}

/**
 * An object with these fields. `strict` refuses fields the shape does not name (for what a peer of
 * ours sends); without it they are kept, as a gateway adds fields from one version to the next.
 */
export function object<P extends Shape>(shape: P, options: { strict?: boolean } = {}): Schema<InferShape<P>> & { readonly shape: P; readonly strict: boolean } {
  const keys = Object.keys(shape);
  return {
    shape,
    strict: options.strict === true,
    check(v) {
      if (!isRecord(v)) return 'not an object';
      for (const key of keys) {
        const problem = shape[key].check(v[key]);
        if (problem) return `${key}: ${problem}`;
      }
      if (options.strict) {
        for (const key of Object.keys(v)) if (!Object.hasOwn(shape, key)) return `unexpected field ${JSON.stringify(key).slice(0, 40)}`;
      }
      return undefined;
    },
  };
}

type VariantShapes = Record<string, Shape>;
export type InferVariants<D extends string, V extends VariantShapes> = { [K in keyof V & string]: Flatten<{ [P in D]: K } & InferShape<V[K]>> }[keyof V &
  string];

/** A union of objects told apart by the string field `discriminant` (`{kind: 'user', ...} | ...`). */
export function variants<const D extends string, V extends VariantShapes>(
  discriminant: D,
  shapes: V,
  options: { strict?: boolean } = {},
): Schema<InferVariants<D, V>> & { readonly discriminant: D; readonly shapes: V } {
  const byKind = new Map(Object.entries(shapes).map(([kind, shape]) => [kind, object({ ...shape, [discriminant]: literal(kind) }, options)]));
  return {
    discriminant,
    shapes,
    ...schema<InferVariants<D, V>>((v) => {
      if (!isRecord(v)) return 'not an object';
      const tag = v[discriminant];
      const variant = typeof tag === 'string' ? byKind.get(tag) : undefined;
      if (!variant) return `${discriminant}: unknown ${JSON.stringify(String(tag)).slice(0, 40)}`;
      return variant.check(v);
    }),
  };
}
