import { router } from "../../init";

export const socialAccountsRouter = router({});
