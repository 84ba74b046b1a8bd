/**
 * Front door of notices/: what other feature folders may use. Everything not exported here is private to
 * notices/ (npm run deps checks it).
 */
export { Notice, NoticeChannel, NoticeLanguage, NoticeRecipient } from "./notice.entity";
export { NoticeService, noticeLanguageOf } from "./notice.service";
export { TermsVersionInfo } from "./announcement.types";
