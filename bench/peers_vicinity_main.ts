/**
 * The entry the peers bench serves Vicinity from: the GC probe, then main.ts unchanged
 * (`deno serve` has no --preload).
 */
import "./gc_probe.ts";
export { default } from "../main.ts";
