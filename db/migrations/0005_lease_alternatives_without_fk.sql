-- Alternatives are written only by the statement that writes their lease; the key check cost a tenth of a match.
ALTER TABLE "lease_alternatives" DROP CONSTRAINT "lease_alternatives_lease_fk";
