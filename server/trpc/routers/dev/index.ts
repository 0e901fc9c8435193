import { router } from "../../init";
import { listMailboxProcedure } from "./list-mailbox";

export const devRouter = router({ listMailbox: listMailboxProcedure });
