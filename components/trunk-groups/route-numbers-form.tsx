'use client';

import { BulkNumbersForm } from '@/components/numbers/bulk-numbers-form';
import type { ActionState } from '@/lib/auth/action';

type Action = (state: ActionState, formData: FormData) => Promise<ActionState>;

const rowBoxes = (formId: string) => [...document.querySelectorAll<HTMLInputElement>(`input[type="checkbox"][name="numberIds"][form="${formId}"]`)];

/** The header checkbox of the numbers table: ticks or clears every routable number on the page. */
export function SelectAllNumbers({ formId }: { formId: string }) {
  return (
    <input
      type="checkbox"
      aria-label="Select every number on this page that can be routed"
      onChange={(event) => {
        for (const box of rowBoxes(formId)) box.checked = event.target.checked;
      }}
    />
  );
}

/** "Route to trunk group" for the numbers ticked in the table (their checkboxes belong to this form). */
export function RouteNumbersForm({ formId, trunkGroups, action }: { formId: string; trunkGroups: { id: string; name: string }[]; action: Action }) {
  return (
    <BulkNumbersForm
      formId={formId}
      selectionFormId={formId}
      field={{ name: 'trunkGroupId', label: 'Route selected numbers to', placeholder: 'Choose a trunk group', options: trunkGroups.map((group) => ({ id: group.id, label: group.name })), missing: 'Choose the trunk group to route the numbers to.' }}
      submitLabel="Route to trunk group"
      pendingLabel="Routing…"
      nothingTicked="Tick the numbers to route first."
      ariaLabel="Route selected numbers to a trunk group"
      help={{ text: 'Tick numbers in the table, choose a trunk group, and route them.', href: '/trunk-groups', link: 'Manage trunk groups' }}
      action={action}
    />
  );
}
