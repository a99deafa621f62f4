/**
 * Something that holds listeners, timers or child objects and lets them go exactly once. Children
 * registered after `dispose()` are disposed at once rather than leaked. No `vscode` import: the
 * core and the glue both build on it (VS Code's own `Disposable`s fit, having a `dispose()`).
 */
export type DisposableLike = { dispose(): unknown } | (() => unknown);

export class Disposable {
  private readonly children: DisposableLike[] = [];
  private disposed = false;

  /** Whether `dispose()` ran. */
  get isDisposed(): boolean {
    return this.disposed;
  }

  /** Disposes everything registered, last first, once. */
  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    for (const child of this.children.splice(0).reverse()) release(child);
  }

  /** Keeps `child` until this is disposed (or disposes it now, if this already is). */
  protected register<T extends DisposableLike>(child: T): T {
    if (this.disposed) release(child);
    else this.children.push(child);
    return child;
  }
}

function release(child: DisposableLike): void {
  if (typeof child === 'function') child();
  else child.dispose();
}
