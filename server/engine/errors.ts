/**
 * An error whose message is meant for the user and says what to do. The worker sends it as a
 * plain JSON-RPC error (code -32001) without a stack trace; anything else is an internal error.
 */
export class UserError extends Error {
  override readonly name: string = 'UserError';
}
