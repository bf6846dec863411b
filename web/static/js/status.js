// What an interview's state means to the pages: one definition, as on the server (Status.is_over).
const OVER = new Set(["completed", "abandoned"]);

/** True once an interview accepts no more answers (completed, or closed by expiry). */
export function isOver(state) {
  return OVER.has(state);
}
