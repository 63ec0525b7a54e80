/** Invoice and order ids are UUIDs (docs/design.md §3); anything else is simply not found, never a query. */
export { isUuid } from '@shop/kit';
