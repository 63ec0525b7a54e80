export * from './layout.js';
export * from './invoice-rendered.js';
export * from './order-cancelled.js';
export * from './order-delivered.js';
export * from './order-placed.js';
export * from './order-shipped.js';
export * from './payment-failed.js';
export * from './payment-refunded.js';
