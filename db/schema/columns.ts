import { customType } from "drizzle-orm/pg-core";

/**
 * A uint256 amount in wei: numeric(78,0) in Postgres (78 digits hold 2^256 - 1), bigint in
 * TypeScript. The driver hands numerics over as strings, so no float ever touches the value.
 */
export const uint256 = customType<{ data: bigint; driverData: string }>({
  dataType() {
    return "numeric(78, 0)";
  },
  toDriver(value) {
    return value.toString();
  },
  fromDriver(value) {
    return BigInt(value);
  },
});

/** A 0x-prefixed lowercase hex address, checked in Postgres as well as in zod. */
export const addressPattern = "^0x[0-9a-f]{40}$";
