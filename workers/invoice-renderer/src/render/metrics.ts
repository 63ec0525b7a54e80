import { counter, gauge, histogram, type Counter, type Gauge, type Histogram } from '@shop/kit';

/** The render pool's metrics (docs/design.md, Metrics); no labels but the outcome. */
export const renderMetrics: {
  renders: Counter<'outcome'>;
  duration: Histogram;
  busy: Gauge;
  size: Gauge;
  waiting: Gauge;
  launches: Counter;
} = {
  renders: counter('shop_renderer_renders_total', 'PDF render jobs run on the Chromium pool, by outcome (ok, timeout, error)', ['outcome']),
  duration: histogram('shop_renderer_render_duration_seconds', 'Render job time on a pooled page, waiting for a page excluded', []),
  busy: gauge('shop_renderer_pages_busy', 'Pooled pages running a job', []),
  size: gauge('shop_renderer_pool_size', 'Pages in the pool (RENDER_CONCURRENCY)', []),
  waiting: gauge('shop_renderer_jobs_waiting', 'Jobs waiting for a free page: above 0 the pool is saturated', []),
  launches: counter(
    'shop_renderer_chromium_launches_total',
    'Chromium launches: the first, then one per restart after a crash or hang',
    [],
  ),
};
