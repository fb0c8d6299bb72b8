/** What other modules (orders, the demo, the CLI) may call. */
export { markOrdersDirty, markShopDirty, refreshShops, rebuildShop, dirtyShops } from './customers.sync.js';
export { scoreShop, rfmInputs, migration, openShop } from './customers.rfm.js';
export { updateCustomer } from './customers.service.js';
export { syncEnquiries } from './customers.enquiries.js';
export { expireShopPoints, runDueExpiries, startPointsExpiryTimer } from './customers.expiry.js';
export { memberLevelOf, settingsOf as memberSettingsOf } from './customers.members.js';
export { segmentMembers, getSegment, matchIds, type SegmentMember } from './customers.segments.js';
export { exportFile, exportRows, CUSTOMER_EXPORT_HEADERS } from './customers.export.js';
export { customersRoutes } from './customers.routes.js';
export * as bulk from './bulk.js';
export { rfmReport, formatRfmText, exportCustomersFile, segmentByName } from './customers.cli.js';
