/**
 * Front door of contracts/: what other feature folders may use. Everything not exported here is private to
 * contracts/ (npm run deps checks it).
 */
export { contractEndState, endContract, openContract } from "./contract-writes";
export { Contract, ContractEndReason, ContractStatus } from "./contract.entity";
