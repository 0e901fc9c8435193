import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/cloudflare";
import { redirect } from "@remix-run/cloudflare";
import { Link } from "@remix-run/react";

export const meta: MetaFunction = () => [{ title: "Greenroom — the edge studio for independent creators" }];

export async function loader({ context }: LoaderFunctionArgs) {
  if (context.auth) throw redirect("/app");
  return null;
}

export default function Landing() {
  return (
    <main className="centered-page">
      <div className="card">
        <h1>Greenroom</h1>
        <p>Podcasts, transcripts, publishing, events and social scheduling in one studio.</p>
        <p>
          <Link className="button" to="/signup">Create an account</Link> <Link to="/login">Log in</Link>
        </p>
      </div>
    </main>
  );
}
