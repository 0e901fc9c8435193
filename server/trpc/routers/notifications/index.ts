import { router } from "../../init";
import { listNotificationsProcedure } from "./list-notifications";
import { markReadProcedure } from "./mark-read";

export const notificationsRouter = router({
  list: listNotificationsProcedure,
  markRead: markReadProcedure,
});
