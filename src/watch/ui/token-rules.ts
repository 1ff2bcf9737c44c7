/**
 * The status pages' rule for --ui-token, apart from the pages themselves so that the CLI can state
 * and check it without loading them (their assets are hashed when the module loads).
 */

/** The shortest --ui-token accepted: a token shorter than this is guessable by trying. */
export const MIN_TOKEN_LENGTH = 16;
