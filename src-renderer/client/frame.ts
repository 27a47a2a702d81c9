/**
 * When to apply what arrived: once per animation frame (GitHub Desktop's
 * habit), so thousands of messages a second become at most one store update
 * and one React render per frame. Hidden tabs get no frames at all, so a
 * timer stands in after 250 ms and the queue cannot grow without bound.
 */
export type Schedule = (flush: () => void) => void;

export const perFrame: Schedule = (flush) => {
  let done = false;
  const run = (): void => {
    if (done) return;
    done = true;
    clearTimeout(timer);
    flush();
  };
  const timer = setTimeout(run, 250);
  if (typeof requestAnimationFrame === 'function') requestAnimationFrame(run);
};
