/**
 * Sign-in with smart-contract wallets on the embedded devnet: a deployed ERC-1271 wallet, and an
 * ERC-6492 wallet not deployed yet (its signature carries the factory call; viem's universal
 * validator runs it inside a deployless eth_call). The wallet is compiled from
 * lib/devnet/contracts/OwnedWallet.sol with solcjs.
 */
import {
  type Address,
  encodeDeployData,
  encodeFunctionData,
  getAddress,
  getContractAddress,
  type Hex,
  hashMessage,
  keccak256,
  toHex,
} from "viem";
import { generatePrivateKey, privateKeyToAccount } from "viem/accounts";
import { createSiweMessage } from "viem/siwe";
import { serializeErc6492Signature } from "viem/utils";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DbHandle } from "@/db/client";
import { createTestDb } from "@/db/testing";
import { type Devnet, startDevnet } from "@/lib/devnet";
import { compileTestContract } from "@/lib/devnet/contracts/compile";
import { type Clients, clientsFor } from "@/lib/devnet/test-helpers";
import { chainSignatureVerifier } from "./contract-signatures";
import { type AuthDeps, handleNonce, handleVerify } from "./handlers";

const origin = "http://localhost:3100";
const owner = privateKeyToAccount(generatePrivateKey());
const stranger = privateKeyToAccount(generatePrivateKey());
const contracts = compileTestContract("OwnedWallet.sol");
function contract(name: string) {
  const compiled = contracts[name];
  if (!compiled) throw new Error(`${name} is not in OwnedWallet.sol`);
  return compiled;
}
const wallet = contract("OwnedWallet");
const factory = contract("OwnedWalletFactory");

let devnet: Devnet;
let handle: DbHandle;
let deployer: Clients;
let deps: AuthDeps;
let factoryAddress: Address;

async function deploy(abi: typeof wallet.abi, bytecode: Hex, args: unknown[]): Promise<Address> {
  const hash = await deployer.walletClient.deployContract({
    abi,
    bytecode,
    args,
    account: deployer.account,
    chain: deployer.chain,
  } as never);
  const receipt = await deployer.publicClient.waitForTransactionReceipt({ hash });
  if (receipt.status !== "success" || !receipt.contractAddress) throw new Error("deploy failed");
  return getAddress(receipt.contractAddress);
}

beforeAll(async () => {
  [devnet, handle] = await Promise.all([startDevnet({ port: 0 }), createTestDb()]);
  deployer = clientsFor(devnet, 4);
  factoryAddress = await deploy(factory.abi, factory.bytecode, []);
  deps = {
    db: handle.db,
    origin,
    chainId: devnet.chainId,
    chainName: "Stylus Devnet",
    secret: "w".repeat(48),
    sessionTtlSeconds: 3600,
    nonceTtlSeconds: 300,
    clientIp: { trustedProxyHops: 0, clientIpHeader: "x-forwarded-for" },
    rateLimits: { windowSeconds: 60, nonce: 1000, signIn: 1000 },
    verifyContractSignature: chainSignatureVerifier(deployer.chain, devnet.url),
  };
});
afterAll(async () => {
  await Promise.all([devnet?.stop(), handle?.close()]);
});

async function messageFor(address: Address): Promise<string> {
  const response = await handleNonce(new Request(`${origin}/api/auth/nonce`), deps);
  const { nonce } = (await response.json()) as { nonce: string };
  return createSiweMessage({
    address,
    chainId: devnet.chainId,
    domain: "localhost:3100",
    uri: origin,
    version: "1",
    nonce,
    issuedAt: new Date(),
  });
}

function verify(message: string, signature: Hex, d: AuthDeps = deps) {
  return handleVerify(
    new Request(`${origin}/api/auth/verify`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ message, signature }),
    }),
    d,
  );
}

/** What the wallet's owner signs: the EIP-191 hash of the message, without a second prefix. */
const ownerSignature = (message: string, signer = owner) =>
  signer.sign({ hash: hashMessage(message) });

describe("smart-contract wallets sign in through the chain", () => {
  it("deploys the wallet factory as EVM code on the devnet", async () => {
    const code = await deployer.publicClient.getCode({ address: factoryAddress });
    expect(code?.length).toBeGreaterThan(2);
  });

  it("signs in a deployed ERC-1271 wallet whose owner signed", async () => {
    const address = await deploy(wallet.abi, wallet.bytecode, [owner.address]);
    const message = await messageFor(address);
    const response = await verify(message, await ownerSignature(message));
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ address });
    expect(response.headers.get("set-cookie")).toMatch(/^gpu_market_session=/);
  });

  it("refuses a deployed wallet's sign-in signed by someone else", async () => {
    const address = await deploy(wallet.abi, wallet.bytecode, [owner.address]);
    const message = await messageFor(address);
    const response = await verify(message, await ownerSignature(message, stranger));
    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({
      message: `The signature does not match ${address}. Sign the message with that wallet.`,
    });
  });

  it("signs in an ERC-6492 wallet not deployed yet, without deploying it", async () => {
    const salt = keccak256(toHex("gpu-market-6492"));
    const initCode = encodeDeployData({
      abi: wallet.abi,
      bytecode: wallet.bytecode,
      args: [owner.address],
    });
    const address = getContractAddress({
      opcode: "CREATE2",
      from: factoryAddress,
      salt,
      bytecode: initCode,
    });
    expect(await deployer.publicClient.getCode({ address })).toBeUndefined();
    const factoryData = encodeFunctionData({
      abi: factory.abi,
      functionName: "deploy",
      args: [owner.address, salt],
    });
    const message = await messageFor(address);
    const wrapped = serializeErc6492Signature({
      address: factoryAddress,
      data: factoryData,
      signature: await ownerSignature(message),
    });
    const response = await verify(message, wrapped);
    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ address });
    // The check ran in eth_call: nothing was deployed.
    expect(await deployer.publicClient.getCode({ address })).toBeUndefined();

    // The same wrapping around a stranger's signature is refused.
    const forged = await messageFor(address);
    const bad = serializeErc6492Signature({
      address: factoryAddress,
      data: factoryData,
      signature: await ownerSignature(forged, stranger),
    });
    expect((await verify(forged, bad)).status).toBe(401);
  });

  it("says the chain did not answer when a contract signature cannot be checked", async () => {
    const address = await deploy(wallet.abi, wallet.bytecode, [owner.address]);
    const message = await messageFor(address);
    const down: AuthDeps = {
      ...deps,
      verifyContractSignature: chainSignatureVerifier(deployer.chain, "http://127.0.0.1:9"),
    };
    const response = await verify(message, await ownerSignature(message), down);
    expect(response.status).toBe(503);
    expect(await response.json()).toMatchObject({
      code: "unavailable",
      message: expect.stringMatching(/RPC endpoint did not answer .* Try again in a minute\./),
    });
  });
});
