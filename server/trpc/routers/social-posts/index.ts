import { router } from "../../init";

export const socialPostsRouter = router({});
