/**
 * Front door of events/: what other feature folders may use. Everything not exported here is private to
 * events/ (npm run deps checks it).
 */
export { EventPublisher, EventType } from "./event-publisher";
