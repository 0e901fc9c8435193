import { router } from "../../init";
import { connectSandboxAccountProcedure } from "./connect-sandbox-account";
import { disconnectAccountProcedure } from "./disconnect-account";
import { getAccountProcedure } from "./get-account";
import { listAccountsProcedure } from "./list-accounts";
import { startInstagramConnectProcedure } from "./start-instagram-connect";

export const socialAccountsRouter = router({
  listAccounts: listAccountsProcedure,
  getAccount: getAccountProcedure,
  startInstagramConnect: startInstagramConnectProcedure,
  connectSandboxAccount: connectSandboxAccountProcedure,
  disconnectAccount: disconnectAccountProcedure,
});
