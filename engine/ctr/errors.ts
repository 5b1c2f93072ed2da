/**
 * A problem with the user's files or request (a missing, truncated, tampered or spliced part, a
 * wrong n, a full disk...), said in a message that names the file: never a bug of the engine.
 */
export class CtrFormatError extends Error {}
