/** Shared by the stream server and its clients. */
export const BENCH_TOKEN = 'bench-token-0123456789';
export const BENCH_SESSION = 'agent:main:bench';
/** Run ids of the streams: every client process runs a warm-up turn, then the measured one. */
export const WARM_RUN = 'bench-warm';
export const MEASURED_RUN = 'bench-run';
export const WARM_EVENTS = 10_000;
export const WARM_TURNS = 2;
