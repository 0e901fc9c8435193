import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Link } from "@remix-run/react";

export const meta: MetaFunction = () => [
  { title: "Greenroom — the edge studio for independent creators" },
  { name: "description", content: "Podcasts, transcripts, publishing, events and social scheduling in one studio." },
];

export async function loader({ context }: LoaderFunctionArgs) {
  if (context.auth) throw redirect("/app");
  return null;
}

export default function Landing() {
  return (
    <main id="main" tabIndex={-1} className="centered-page">
      <div className="card landing">
        <p className="brand">
          <span className="brand-mark" aria-hidden="true" />
          Greenroom
        </p>
        <h1>The edge studio for independent creators</h1>
        <p className="lead">Podcasts, transcripts, publishing, events and social scheduling in one studio.</p>
        <p className="actions">
          <Link className="button" to="/signup">
            Create an account
          </Link>
          <Link className="button button-secondary" to="/login">
            Log in
          </Link>
        </p>
      </div>
    </main>
  );
}
