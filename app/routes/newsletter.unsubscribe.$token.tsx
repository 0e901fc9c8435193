import type { ActionFunctionArgs, HeadersFunction, LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { Form, useActionData, useLoaderData } from "@remix-run/react";
import { PublicErrorPage } from "../components/error-page";
import { SubmitButton } from "../components/form";
import { throwLoaderError } from "../lib/errors.server";

/** A personal link: never cached, never indexed. */
export const headers: HeadersFunction = () => ({ "cache-control": "private, no-store", "x-robots-tag": "noindex" });
export const meta: MetaFunction = () => [{ title: "Unsubscribe" }, { name: "robots", content: "noindex" }];

/** Opening the link only asks (mail scanners follow links); the button, or a mail app's one-click POST, unsubscribes. */
export async function loader({ request, params, context }: LoaderFunctionArgs) {
  try {
    return await context.api.posts.describeUnsubscribe({ token: params.token ?? "" });
  } catch (error) {
    throwLoaderError(error, request);
  }
}

/** RFC 8058: mail apps POST `List-Unsubscribe=One-Click` here without a session; the token alone authorises. */
export async function action({ request, params, context }: ActionFunctionArgs) {
  try {
    return await context.api.posts.unsubscribe({ token: params.token ?? "" });
  } catch (error) {
    throwLoaderError(error, request);
  }
}

export default function Unsubscribe() {
  const described = useLoaderData<typeof loader>();
  const done = useActionData<typeof action>();
  const state = done ?? described;
  return (
    <main id="main" className="public-main page-narrow-card card">
      <h1>{state.subscribed ? `Unsubscribe from ${state.workspaceName}?` : "You are unsubscribed"}</h1>
      {state.subscribed ? (
        <>
          <p>You will no longer receive {state.workspaceName}'s posts by email. Your membership stays as it is.</p>
          <Form method="post">
            <SubmitButton pendingLabel="Unsubscribing…">Unsubscribe</SubmitButton>
          </Form>
        </>
      ) : (
        <p role="status">
          {state.workspaceName} will not send you newsletters any more. You can turn them back on in your account on
          their page.
        </p>
      )}
    </main>
  );
}

export function ErrorBoundary() {
  return <PublicErrorPage />;
}
