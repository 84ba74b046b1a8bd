import { systemActor } from "../auth/caller";
import { Loaders } from "../db/loaders";
import { issueDemoCertificate } from "./demo-certificate";
import { setDemoPrice } from "./demo-price";
import { Reseller } from "../resellers/reseller.entity";
import { Services } from "../services";
import { ContactRole } from "../subscribers/subscriber-contact.entity";
import { Language, SubscriberKind } from "../subscribers/subscriber.entity";

export interface DemoKeys {
  operatorKey: string;
  resellerKey: string;
  certificateSerial: string;
}

/**
 * Demo data for a first look: loaded only into a database with no resellers yet. Everything goes
 * through the same services (and so the same rules and audit log) as real requests.
 */
export async function loadDemoData(services: Services): Promise<DemoKeys | null> {
  if ((await services.ds.getRepository(Reseller).count()) > 0) return null;
  const actor = systemActor("demo-data");
  const operator = await services.apiKeys.create(actor, { resellerId: null, name: "demo operator" });
  const reseller = await services.resellers.create(
    { ...actor, loaders: new Loaders(services.ds) },
    {
      code: "demo-reseller",
      name: "デモ指定事業者株式会社",
      representativeName: "代表 太郎",
      contactEmail: "support@reseller.akashi-demo.jp",
      designationFeeWaived: false,
    },
  );
  const resellerKey = await services.apiKeys.create(actor, { resellerId: reseller.id, name: "demo reseller" });
  const resellerCaller = {
    kind: "RESELLER" as const,
    keyId: resellerKey.apiKey.id,
    keyPublicId: resellerKey.apiKey.publicId,
    resellerId: reseller.id,
  };
  const subscriber = await services.subscribers.create(
    { caller: resellerCaller, requestId: null, loaders: new Loaders(services.ds) },
    {
      kind: SubscriberKind.ORGANIZATION,
      name: "株式会社デモショップ",
      nameEn: "Demo Shop Co., Ltd.",
      country: "JP",
      stateOrProvince: "Tokyo",
      locality: "Chiyoda-ku",
      address: "東京都千代田区丸の内1-1-1",
      preferredLanguage: Language.JA,
      contacts: [{ role: ContactRole.TECHNICAL, name: "技術 花子", email: "tech@shop.akashi-demo.jp" }],
    },
  );
  await setDemoPrice(services);
  const certificate = await issueDemoCertificate(services, resellerCaller, subscriber.id);
  await services.seals.create(
    { caller: resellerCaller, requestId: null, loaders: new Loaders(services.ds) },
    certificate.contractId,
  );
  return { operatorKey: operator.key, resellerKey: resellerKey.key, certificateSerial: certificate.serialHex };
}
