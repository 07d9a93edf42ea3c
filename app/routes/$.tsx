// Any address no other route claims: a real 404, drawn (and titled) by the
// root ErrorBoundary.
export function loader() {
  throw new Response("Not found", { status: 404 });
}

export default function NotFound() {
  return null;
}
