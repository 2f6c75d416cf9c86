/**
 * VoiceTel 2.2 wire format ([spec] shared/specs/voicetel-v2.2.openapi.json). Success bodies are
 * `{ status: "success", data }`, errors `{ status: "error", error: { code, message } }`.
 */
import { z } from 'zod';

const nanp10 = z.string().regex(/^[2-9][0-9]{2}[2-9][0-9]{2}[0-9]{4}$/);
/** Numeric strings that some records emit as numbers. */
const looseString = z.union([z.string(), z.number()]).transform(String);

const success = <T extends z.ZodType>(data: T) => z.object({ status: z.string(), data });

// errorResponse (every error), plus the partial-failure extras of ACL 409 and auth PUT 409
export const errorResponse = z.object({
  status: z.literal('error'),
  error: z.object({ code: z.number().int().optional(), message: z.string().optional(), requirement: z.string().optional() }),
  data: z
    .object({
      failed: z.array(z.object({ cidr: z.string().optional(), reason: z.string().optional() })).optional(),
    })
    .optional(),
  errors: z.array(z.object({ field: z.string().optional(), message: z.string().optional() })).optional(),
});
export type WireError = z.infer<typeof errorResponse>;

// POST /v2.2/account/api-key
export const apiKeyRequest = z.object({ username: z.union([z.string(), z.number()]), password: z.string() });
export const apiKeyResponse = success(z.object({ apikey: z.string().regex(/^[0-9a-fA-F]{32}$/) }));

// GET /v2.2/account
export const accountData = z.object({
  username: z.string().optional(),
  name: z.string().optional(),
  email: z.string().optional(),
  enabled: z.boolean().optional(),
  created: z.string().optional(),
  cash: z.number(),
  callerId: z.string().optional(),
  timezone: z.string().optional(),
  authType: z.number().int().optional(),
  ccs: z.number().int().optional(),
  notify: z.boolean().optional(),
  notifyThreshold: z.number().optional(),
  services: z.record(z.string(), z.boolean()).optional(),
  rates: z
    .object({
      fax: z.number().optional(),
      sms: z.number().optional(),
      mms: z.number().optional(),
      tfAdj: z.number().optional(),
      lrn: z.number().optional(),
      nibble: z.number().optional(),
      did: z.number().optional(),
      cnam: z.number().optional(),
      intlMax: z.number().optional(),
    })
    .optional(),
});
export const accountResponse = success(accountData);
export type WireAccount = z.infer<typeof accountData>;

// GET /v2.2/account/cdr?start=<newer>&end=<older>
export const cdrRow = z.object({
  id: z.string(),
  key: z.tuple([looseString, looseString]),
  value: z.object({
    ip: z.string().optional(),
    cn: z.string().optional(),
    nr: looseString.optional(),
    dst: looseString,
    dur: looseString,
    ba: looseString.optional(),
    cid: looseString.optional(),
  }),
});
export const cdrResponse = success(
  z.object({ start: z.number().int().optional(), end: z.number().int().optional(), cdr: z.array(cdrRow).default([]) }),
);
export type WireCdr = z.infer<typeof cdrRow>;

// GET /v2.2/account/credits
export const creditEntry = z.object({ paid: z.boolean(), date: z.string(), amount: z.number() });
export const creditsResponse = success(z.object({ credits: z.array(creditEntry) }));
export type WireCredit = z.infer<typeof creditEntry>;

// GET /v2.2/account/payments
export const paymentEntry = z.object({
  amount: z.number(),
  date: z.string(),
  payerEmail: z.string().optional(),
  transactionId: z.string().optional(),
  status: z.string(),
});
export const paymentsResponse = success(z.object({ payments: z.array(paymentEntry) }));
export type WirePayment = z.infer<typeof paymentEntry>;

// GET /v2.2/account/recurring-charges
export const mrcResponse = success(
  z.object({
    charges: z.array(z.object({ amount: z.number(), description: z.string().optional() })).default([]),
    total: z.number().optional(),
  }),
);
export type WireMrc = z.infer<typeof mrcResponse>['data'];

// GET /v2.2/inventory?tnMask=&quantity=&province=&rateCenter=&lata=
export const inventoryItem = z.object({
  number: nanp10,
  province: z.string().optional(),
  rateCenter: z.string().optional(),
  city: z.string().optional(),
  lata: looseString.optional(),
});
export const inventoryResponse = success(z.object({ numbers: z.array(inventoryItem).default([]) }));
export type WireInventoryItem = z.infer<typeof inventoryItem>;

// GET /v2.2/inventory/coverage?countBy=state|city|rateCenter|npanxx|block
export const coverageItem = z.object({
  locState: z.string().optional(),
  city: z.string().optional(),
  rcAbbre: z.string().optional(),
  npa: z.string().optional(),
  nxx: z.string().optional(),
  block: z.string().optional(),
  lata: looseString.optional(),
  count: z.number().int(),
});
export const coverageResponse = success(z.object({ coverage: z.array(coverageItem).default([]) }));
export type WireCoverageItem = z.infer<typeof coverageItem>;

// POST /v2.2/orders (header Idempotency-Key)
export const orderRequest = z.object({
  numbers: z.array(z.union([nanp10, z.object({ number: nanp10, route: z.number().int().optional() })])).min(1).max(100),
});
export const orderResponse = success(
  z.object({
    orderId: looseString.optional(),
    amountCharged: z.number().optional(),
    numbersOrdered: z.array(z.string()).default([]),
    failed: z.array(z.object({ number: z.string(), reason: z.string().optional() })).default([]),
  }),
);
export type WireOrder = z.infer<typeof orderResponse>['data'];

// GET /v2.2/numbers (404 "No numbers found" when empty), GET /v2.2/numbers/{number}
export const numberDetail = z.object({
  number: nanp10,
  route: z.number().int().optional(),
  gateway: z.string().nullable().optional(),
  carrier: z.number().int().optional(),
  translated: z.string().optional(),
  forward: z.boolean().optional(),
  forwardTo: z.string().nullable().optional(),
  cnam: z.boolean().optional(),
  smsEnabled: z.boolean().optional(),
  faxEnabled: z.boolean().optional(),
});
export const numbersListResponse = success(z.object({ numbers: z.array(numberDetail).default([]) }));
export type WireNumber = z.infer<typeof numberDetail>;

// DELETE /v2.2/numbers/{number} → 204 (no body)

// PUT /v2.2/numbers/{number}/route (numberRouteRequest → numberRouteResponse)
export const numberRouteRequest = z.object({ route: z.number().int() });
export const numberRouteResponse = success(z.object({ number: nanp10, route: z.number().int() }));

// GET /v2.2/gateways, GET|PUT /v2.2/gateways/{id}, POST /v2.2/gateways
export const gatewayEntry = z.object({
  id: z.number().int(),
  gateway: z.string(),
  prefix: z.string().nullable().optional(),
  limit: z.number().int().nullable().optional(),
  system: z.boolean().optional(),
});
export const gatewayResponse = success(gatewayEntry);
export const gatewaysListResponse = success(z.object({ gateways: z.array(gatewayEntry).default([]) }));
export const gatewayAddRequest = z.object({
  gateway: z.string(),
  prefix: z.string().optional(),
  limit: z.number().int().min(1).max(1000).optional(),
});
export type WireGateway = z.infer<typeof gatewayEntry>;

// GET /v2.2/acl (404 "No entries found" when empty), POST /v2.2/acl, DELETE /v2.2/acl?cidrs=
export const cidrEntry = z.object({ cidr: z.string() });
export const aclListResponse = success(z.object({ acl: z.array(cidrEntry).default([]) }));
export const aclModifyRequest = z.object({ acl: z.array(cidrEntry) });
export const aclAddResponse = success(z.object({ added: z.array(cidrEntry).default([]) }));
export const aclRemoveResponse = success(z.object({ removed: z.array(cidrEntry).default([]) }));

// GET /v2.2/auth, PUT /v2.2/auth
export const authGetResponse = success(
  z.object({ authType: z.number().int(), authTypeDescription: z.string().optional(), acl: z.array(cidrEntry).default([]) }),
);
export const authPutRequest = z.object({ authType: z.number().int().min(0).max(3).optional(), password: z.string().optional() });
export const authPutResponse = success(
  z.object({ updated: z.array(z.object({ field: z.string(), value: z.number().optional() })).default([]) }),
);

// GET /v2.2/ports/availability/{number}
export const portAvailabilityResponse = success(
  z.object({
    number: z.string(),
    portable: z.boolean(),
    reason: z.string().nullable().optional(),
    losingCarrier: z.string().nullable().optional(),
    rateCenterTier: z.string().nullable().optional(),
    localRoutingNumber: z.string().nullable().optional(),
  }),
);
export type WirePortAvailability = z.infer<typeof portAvailabilityResponse>['data'];

// POST /v2.2/ports
const streetDirection = z.enum(['N', 'NE', 'E', 'SE', 'S', 'SW', 'W', 'NW']);
export const portSubmitRequest = z.object({
  did: z.array(nanp10).min(1),
  name: z.string().min(1),
  nameType: z.enum(['business', 'residential']),
  authPerson: z.string().min(1),
  lcAccountNumber: z.string().min(1),
  lcBtn: z.string().min(1),
  pin: z.string().optional(),
  streetNumber: z.string().min(1),
  streetPrefix: z.union([streetDirection, z.literal('')]).optional(),
  street: z.string().min(1),
  streetType: z.string().min(1),
  streetSuffix: z.union([streetDirection, z.literal('')]).optional(),
  unitValue: z.string().optional(),
  building: z.string().optional(),
  floor: z.string().optional(),
  room: z.string().optional(),
  city: z.string().min(1),
  state: z.string().min(2),
  zip: z.string().min(1),
  country: z.string().min(2),
  desiredDueDate: z.string().optional(),
  features: z
    .array(
      z.object({
        number: z.string().optional(),
        routing: z.object({ gatewayId: z.number().int().optional() }).optional(),
        lidb: z.object({ name: z.string().max(15).optional() }).optional(),
        sms: z.object({ campaignId: z.string().optional() }).optional(),
      }),
    )
    .optional(),
});
export type WirePortSubmitRequest = z.infer<typeof portSubmitRequest>;
export const portSubmitResponse = success(
  z.object({
    pid: z.string(),
    portUrl: z.string().optional(),
    loaUrl: z.string().optional(),
    message: z.string().optional(),
    ticket: z.number().int().optional(),
  }),
);
export type WirePortSubmit = z.infer<typeof portSubmitResponse>['data'];

// GET /v2.2/ports (list), GET /v2.2/ports/{pid}
export const portDetail = z.object({
  status: z.string(),
  id: z.string().optional(),
  pid: z.string().optional(),
  // Typed date-time but described as a Unix timestamp: accept both.
  createdAt: z.union([z.string(), z.number()]).optional(),
  name: z.string().optional(),
  email: z.string().optional(),
  foc: z.string().nullable().optional(),
  numbers: z.array(z.string()).optional(),
  message: z.string().nullable().optional(),
  supportUrl: z.string().optional(),
});
export const portDetailResponse = success(z.object({ port: portDetail }));
export const portListResponse = success(z.object({ ports: z.array(portDetail).default([]) }));
export type WirePort = z.infer<typeof portDetail>;

// POST /v2.2/e911/validations (409 "Address validation failed")
export const e911AddressRequest = z.object({
  address1: z.string(),
  address2: z.string().optional(),
  city: z.string(),
  state: z.string(),
  zip: z.string(),
});
export const e911ValidatedAddress = z.object({
  addressid: z.number().int(),
  address1: z.string(),
  address2: z.string().optional(),
  city: z.string(),
  state: z.string(),
  zip: z.string(),
});
export const e911ValidateResponse = success(z.object({ address: e911ValidatedAddress }));
export type WireValidatedAddress = z.infer<typeof e911ValidatedAddress>;

// e911Entry: `dn` is 11 digits ("1" + NANP10) in responses
export const e911Entry = z.object({
  dn: z.string().regex(/^1?[2-9][0-9]{2}[2-9][0-9]{2}[0-9]{4}$/),
  address1: z.string(),
  address2: z.string().optional(),
  city: z.string(),
  state: z.string(),
  zip: z.string(),
  callername: z.string(),
});
export type WireE911Entry = z.infer<typeof e911Entry>;

// POST /v2.2/e911 (validate + provision), PUT /v2.2/e911/{dn} {addressid, callername}, GET /v2.2/e911/{dn}
export const e911CreateRequest = e911AddressRequest.extend({ dn: nanp10, callername: z.string().min(1) });
export const e911ProvisionByIdRequest = z.object({ addressid: z.number().int(), callername: z.string().min(1) });
export const e911RecordResponse = success(z.object({ record: e911Entry }));

// GET /v2.2/e911 (404 "No records found" when empty); DELETE /v2.2/e911/{dn} → 204
export const e911ListResponse = success(z.object({ records: z.array(e911Entry).default([]) }));
