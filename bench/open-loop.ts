/**
 * The open-loop schedule shared by the proxy benchmark's load processes:
 * `rate` sends a second for `seconds`, whatever the answers do. Never early:
 * it sleeps until the next slot, then sends every slot that is due (more
 * than one only when a timer came late). `late` counts sends that left more
 * than 1 ms after their slot.
 */
export async function openLoop(rate: number, seconds: number, send: (k: number) => void): Promise<{ sent: number; late: number }> {
  const interval = 1000 / rate;
  const t0 = performance.now();
  const end = t0 + seconds * 1000;
  let k = 0;
  let late = 0;
  for (;;) {
    const now = performance.now();
    if (now >= end) break;
    const due = t0 + k * interval;
    if (due > now) {
      await new Promise((r) => setTimeout(r, due - now));
      continue;
    }
    if (now - due > 1) late++;
    send(k);
    k++;
  }
  return { sent: k, late };
}
