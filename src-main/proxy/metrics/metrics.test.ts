import { afterEach, describe, expect, it } from 'vitest';
import { RateWindow } from './rate';
import fc from 'fast-check';
import { LatencyStats, SessionLatency, bucketOf, bucketTop, toUs } from './latency';
import { ProxyMetrics } from './metrics';
import { prometheusText, serveMetrics } from './prometheus';

const closers: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of closers.splice(0)) await c();
});

describe('rates', () => {
  it('averages whole seconds and forgets old ones', () => {
    const r = new RateWindow(5);
    for (let s = 0; s < 5; s++) r.add(100, s * 1000 + 10);
    expect(r.rate(5000)).toBe(100);
    expect(r.rate(12_000)).toBe(0);
    r.add(50, 12_500); // the current second is left out
    expect(r.rate(12_600)).toBe(0);
    expect(r.rate(13_000)).toBe(10);
    expect(r.total).toBe(550);
  });
});

describe('latency', () => {
  it('gives percentiles in ms to the µs, both kinds', () => {
    for (const l of [new LatencyStats(), new SessionLatency()]) {
      for (let i = 1; i <= 1000; i++) l.record(i / 10); // 0.1 .. 100 ms
      const s = l.snapshot();
      expect(s.count).toBe(1000);
      expect(s.p50).toBeCloseTo(50, 0);
      expect(s.p99).toBeCloseTo(99, 0);
      expect(s.max).toBeCloseTo(100, 0);
      expect(s.mean).toBeCloseTo(50.05, 1);
    }
    expect(new SessionLatency().snapshot()).toMatchObject({ count: 0, p99: 0 });
    expect(new LatencyStats().snapshot()).toMatchObject({ count: 0, p99: 0 });
  });

  it('session buckets: every µs value up to 60 s is in the bucket whose range holds it, ranges in order, none wider than 1/64', () => {
    let prevTop = 0;
    for (let i = 1; i <= bucketOf(60_000_000); i++) {
      const top = bucketTop(i);
      const bottom = prevTop + 1;
      expect(bucketOf(bottom)).toBe(i);
      expect(bucketOf(top)).toBe(i);
      expect(top - bottom).toBeLessThanOrEqual(bottom / 64);
      prevTop = top;
    }
    expect(prevTop).toBeGreaterThanOrEqual(60_000_000);
  });

  it('session percentiles: the exact nearest-rank value, at most one bucket (1/64) above it, never above the max', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.double({ min: 0, max: 2, noNaN: true }), fc.double({ min: 0, max: 70_000, noNaN: true })), { minLength: 1, maxLength: 400 }), (ms) => {
        const l = new SessionLatency();
        for (const v of ms) l.record(v);
        const us = ms.map(toUs).sort((a, b) => a - b);
        const s = l.snapshot();
        expect(s.count).toBe(ms.length);
        expect(s.max).toBe(us[us.length - 1]! / 1000);
        expect(s.mean).toBeCloseTo(us.reduce((a, b) => a + b, 0) / us.length / 1000, 6);
        for (const [p, got] of [[50, s.p50], [95, s.p95], [99, s.p99]] as const) {
          const exact = us[Math.max(1, Math.ceil((p / 100) * us.length)) - 1]!;
          expect(got * 1000).toBeGreaterThanOrEqual(exact - 1e-6);
          expect(got * 1000).toBeLessThanOrEqual(Math.min(exact + exact / 64, us[us.length - 1]!) + 1e-6);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('proxy metrics', () => {
  it('counts per session and overall, errors, latency by type and the sync rate', () => {
    const m = new ProxyMetrics();
    m.sessionOpened(1);
    m.sessionOpened(2);
    m.message(1, 'PLAYER_MOVE', 40, false, 1000);
    m.message(2, 'HEARTBEAT', 30, true, 1000);
    m.latency(2, 'HEARTBEAT', 3);
    for (let i = 0; i < 999; i++) m.syncBatch(1, false);
    m.syncBatch(1, true);
    m.sessionClosed(2, 2000);
    const s = m.snapshot(2000);
    expect(s.sessionsOpen).toBe(1);
    expect(s.sessionsTotal).toBe(2);
    expect(s.total).toMatchObject({ messages: 2, bytes: 70, errors: 1, errorRate: 0.5, syncBatches: 1000, syncGaps: 1, syncRate: 0.999 });
    expect(s.sessions[2]!.errors).toBe(1);
    expect(s.byType.HEARTBEAT!.count).toBe(1);
    expect(s.byType.PLAYER_MOVE!.messages).toBe(1);
    // a closed session's figures stay a minute, then go
    expect(m.snapshot(2000 + 61_000).sessions[2]).toBeUndefined();
  });

  it('exposes Prometheus text, served at /metrics and nowhere else', async () => {
    const m = new ProxyMetrics();
    m.sessionOpened(1);
    m.message(1, 'HEARTBEAT', 30, false, Date.now());
    m.latency(1, 'HE"ART\\BEAT', 2.5);
    const text = prometheusText(m.snapshot());
    expect(text).toMatch(/^# HELP otbridge_proxy_sessions_open/m);
    expect(text).toMatch(/^otbridge_proxy_sessions_open 1$/m);
    expect(text).toContain('otbridge_proxy_latency_seconds{type="HE\\"ART\\\\BEAT",quantile="0.99"} 0.0025');
    for (const line of text.trim().split('\n')) expect(line).toMatch(/^(# (HELP|TYPE) \w+ .+|\w+(\{.*\})? -?[\d.e+-]+)$/);
    const srv = await serveMetrics(() => m.snapshot(), 0);
    closers.push(() => srv.close());
    const ok = await fetch(`http://127.0.0.1:${srv.port}/metrics`);
    expect(ok.headers.get('content-type')).toContain('text/plain; version=0.0.4');
    expect(await ok.text()).toContain('otbridge_proxy_messages_total{type="HEARTBEAT"} 1');
    expect((await fetch(`http://127.0.0.1:${srv.port}/other`)).status).toBe(404);
  });
});
