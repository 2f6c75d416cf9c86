import Link from 'next/link';

export default function Forbidden() {
  return (
    <main className="mx-auto max-w-lg px-6 py-24 text-center">
      <h1 className="text-2xl font-semibold">You do not have access to this page</h1>
      <p className="mt-2 text-slate-700">Your role in this account does not include it. An admin of the account can change your role.</p>
      <Link href="/dashboard" className="mt-6 inline-block font-medium text-indigo-800 underline">
        Back to the dashboard
      </Link>
    </main>
  );
}
