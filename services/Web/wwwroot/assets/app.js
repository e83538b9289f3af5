// The page's few behaviours that need a script: modal dialogs (focus kept inside, returned after),
// confirmations, the Copy button, and one post per form. Everything else is plain HTML forms.
"use strict";

const openers = new WeakMap();

function openModal(dialog, opener) {
    if (dialog.open) {
        dialog.close();
    }
    openers.set(dialog, opener ?? document.activeElement);
    dialog.showModal();
    // The control marked autofocus, wherever it is, else the first one.
    const first = dialog.querySelector("[autofocus]") ?? dialog.querySelector("input:not([type=hidden]), select, button, [href]");
    first?.focus();
}

document.addEventListener("close", event => {
    const dialog = event.target;
    if (!(dialog instanceof HTMLDialogElement)) {
        return;
    }
    // A revealed key leaves the page with its dialog: afterwards only the prefix is visible.
    if (dialog.hasAttribute("data-forget-on-close")) {
        dialog.querySelectorAll("[data-secret]").forEach(secret => secret.remove());
    }
    const opener = openers.get(dialog);
    if (opener instanceof HTMLElement && opener.isConnected) {
        opener.focus();
    }
}, true);

document.addEventListener("click", async event => {
    const target = event.target instanceof Element ? event.target : null;
    if (!target) {
        return;
    }

    const opens = target.closest("[data-opens]");
    if (opens) {
        openModal(document.getElementById(opens.dataset.opens), opens);
        return;
    }

    const closes = target.closest("[data-closes]");
    if (closes) {
        closes.closest("dialog")?.close();
        return;
    }

    const confirmed = target.closest("[data-confirm]");
    if (confirmed instanceof HTMLButtonElement) {
        event.preventDefault();
        const dialog = document.getElementById("confirm-dialog");
        dialog.querySelector("#confirm-text").textContent = confirmed.dataset.confirm;
        const yes = dialog.querySelector("[data-confirm-yes]");
        yes.textContent = confirmed.textContent.trim();
        yes.onclick = () => {
            dialog.close();
            confirmed.form?.requestSubmit(confirmed);
        };
        openModal(dialog, confirmed);
        return;
    }

    const copy = target.closest("[data-copy]");
    if (copy) {
        const value = document.getElementById(copy.dataset.copy)?.textContent.trim() ?? "";
        const status = document.getElementById(copy.dataset.copied);
        try {
            await navigator.clipboard.writeText(value);
            if (status) status.textContent = "Copied to the clipboard.";
        } catch {
            if (status) status.textContent = "Copying was refused by the browser: select the key and copy it by hand.";
        }
    }
});

// A dialog the server rendered open (the reveal, a form with its errors) opens as a modal; when it
// closes, focus goes to the button that opens it or, for the reveal, which no button opens, to the
// page's content.
document.querySelectorAll("dialog[data-open-on-load]").forEach(dialog =>
    openModal(dialog, document.querySelector(`[data-opens="${dialog.id}"]`) ?? document.querySelector("main")));

// One post per form: a second click on Create while the first post is on its way would start a
// second post (the browser drops the first page, not the first request), and the server would
// issue a second key whose secret nobody sees. The button is not disabled, since a disabled
// submitter is left out of the form's data; it is marked busy instead. The form is armed again
// after a while, in case the first post never got an answer (the person may then try again), and
// when the page comes back from the browser's history.
const resubmitAfterMs = 10_000;

document.addEventListener("submit", event => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || form.method !== "post") {
        return;
    }
    if (form.dataset.submitting) {
        event.preventDefault();
        return;
    }
    form.dataset.submitting = "true";
    form.setAttribute("aria-busy", "true");
    setTimeout(() => rearm(form), resubmitAfterMs);
});

function rearm(form) {
    delete form.dataset.submitting;
    form.removeAttribute("aria-busy");
}

window.addEventListener("pageshow", () => document.querySelectorAll("form[data-submitting]").forEach(rearm));
