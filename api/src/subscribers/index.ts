/**
 * Front door of subscribers/: what other feature folders may use. Everything not exported here is private to
 * subscribers/ (npm run deps checks it).
 */
export { ContactRole, SubscriberContact } from "./subscriber-contact.entity";
export { Language, Subscriber, SubscriberKind } from "./subscriber.entity";
export { SubscriberConnection } from "./subscriber.types";
