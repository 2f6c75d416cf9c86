import Link from 'next/link';

export default function NotFound() {
  return (
    <main className="mx-auto max-w-lg px-6 py-24 text-center">
      <h1 className="text-2xl font-semibold">Not found</h1>
      <p className="mt-2 text-slate-700">There is nothing here, or it belongs to an account you cannot see.</p>
      <Link href="/dashboard" className="mt-6 inline-block font-medium text-indigo-800 underline">
        Back to the dashboard
      </Link>
    </main>
  );
}
