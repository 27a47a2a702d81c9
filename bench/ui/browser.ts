/**
 * The in-browser half of bench:ui: the Traffic view in Chromium (through
 * Playwright, as the e2e tests run it) while rows stream in, then scrolling
 * through 200 000 rows. Frame times are the gaps between animation frames
 * seen by the page; heap is V8's used heap from the DevTools protocol.
 */
import { chromium, type CDPSession, type Page } from '@playwright/test';
import { CHROMIUM_ARGS, findChromium } from '../../e2e/chromium';
import { percentile } from '../lib';

export interface FrameStats {
  readonly frames: number;
  readonly p50: number;
  readonly p95: number;
  readonly p99: number;
  readonly max: number;
}

export interface StreamSample extends FrameStats {
  /** Seconds since the stream started. */
  readonly t: number;
  readonly heapMiB: number;
  readonly rowsHeld: number;
  readonly rowsReceived: number;
}

export function frameStats(deltas: readonly number[]): FrameStats {
  const s = [...deltas].sort((a, b) => a - b);
  return { frames: s.length, p50: percentile(s, 50), p95: percentile(s, 95), p99: percentile(s, 99), max: s[s.length - 1] ?? NaN };
}

declare global {
  interface Window {
    __frames?: { deltas: number[]; last: number };
  }
}

export class BrowserProbe {
  private constructor(
    readonly page: Page,
    private readonly cdp: CDPSession,
    private readonly close_: () => Promise<void>,
  ) {}

  static async open(url: string): Promise<BrowserProbe> {
    const browser = await chromium.launch({ executablePath: findChromium(), args: CHROMIUM_ARGS });
    const page = await browser.newPage({ viewport: { width: 1440, height: 900 } });
    await page.goto(`${url}#traffic`);
    await page.getByTestId('connection').filter({ hasText: 'open' }).waitFor({ timeout: 60_000 });
    // tsx compiles with esbuild's keepNames, which wraps functions in __name(); the page has no such helper.
    await page.evaluate('globalThis.__name = (f) => f');
    const cdp = await page.context().newCDPSession(page);
    await cdp.send('Performance.enable');
    // Records the gap between consecutive animation frames, in the page, with nothing else in the loop.
    await page.evaluate(() => {
      window.__frames = { deltas: [], last: 0 };
      const loop = (t: number): void => {
        const f = window.__frames!;
        if (f.last) f.deltas.push(t - f.last);
        f.last = t;
        requestAnimationFrame(loop);
      };
      requestAnimationFrame(loop);
    });
    return new BrowserProbe(page, cdp, () => browser.close());
  }

  /** Frame gaps since the last call. */
  async takeFrames(): Promise<number[]> {
    return this.page.evaluate(() => window.__frames!.deltas.splice(0));
  }

  async heapMiB(gcFirst = false): Promise<number> {
    if (gcFirst) await this.cdp.send('HeapProfiler.collectGarbage');
    const { metrics } = await this.cdp.send('Performance.getMetrics');
    const used = metrics.find((m) => m.name === 'JSHeapUsedSize')?.value ?? NaN;
    return used / 2 ** 20;
  }

  /** Rows in the Traffic window, and rows ever received (held + trimmed). */
  async rows(): Promise<{ held: number; received: number }> {
    return this.page.evaluate(() => {
      const c = (window as unknown as { otbridgeClient: { store: { getState(): { trafficWindow: { length: number; trimmed: number } } } } }).otbridgeClient;
      const w = c.store.getState().trafficWindow;
      return { held: w.length, received: w.length + w.trimmed };
    });
  }

  /**
   * Scrolls the Traffic table from top to bottom in `frames` steps, one step
   * per animation frame, and checks at every step that the rows drawn cover
   * the viewport (no blank flashes). Returns the frame gaps and the misses.
   */
  async scrollThrough(frames: number): Promise<{ deltas: number[]; blank: number; rowsDrawnMax: number }> {
    return this.page.evaluate(async (n) => {
      const body = document.querySelector<HTMLElement>('[data-testid=traffic-table] .vt-body')!;
      const next = (): Promise<number> => new Promise((r) => requestAnimationFrame(r));
      body.scrollTop = 0;
      await next();
      await next();
      const step = (body.scrollHeight - body.clientHeight) / n;
      const deltas: number[] = [];
      let blank = 0;
      let rowsDrawnMax = 0;
      let last = await next();
      for (let i = 1; i <= n; i++) {
        body.scrollTop = Math.round(step * i);
        const now = await next();
        deltas.push(now - last);
        last = now;
        // Rows sit in a block moved by translateY; their position is the block's offset plus their own.
        const block = body.querySelector<HTMLElement>('.vt-block');
        const rows = body.querySelectorAll<HTMLElement>('.vt-row');
        rowsDrawnMax = Math.max(rowsDrawnMax, rows.length);
        // Chrome writes large lengths back in exponent form (translateY(1.0044e+06px)).
        const shift = block ? Number(/translateY\((-?[\d.]+(?:e[+-]?\d+)?)px\)/.exec(block.style.transform)?.[1] ?? NaN) : 0;
        let top = Infinity;
        let bottom = -Infinity;
        for (const r of rows) {
          top = Math.min(top, shift + r.offsetTop);
          bottom = Math.max(bottom, shift + r.offsetTop + r.offsetHeight);
        }
        if (!(top <= body.scrollTop && bottom >= Math.min(body.scrollHeight, body.scrollTop + body.clientHeight))) blank++;
      }
      return { deltas, blank, rowsDrawnMax };
    }, frames);
  }

  async close(): Promise<void> {
    await this.close_();
  }
}
