// TodoList page: lists the todos from the API; adds, toggles and deletes them when the API allows writes.
// The API's address comes from config.js, which the TodoList-Website stack writes.
"use strict";

const REQUEST_TIMEOUT_MS = 10000; // a request that hangs ends as "cannot reach" instead of leaving the page loading
const apiBase = ((window.TODOLIST_CONFIG || {}).apiBaseUrl || "").replace(/\/$/, "");
const list = document.getElementById("todos");
const statusLine = document.getElementById("status");
const errorLine = document.getElementById("error");
const form = document.getElementById("add-form");
const input = document.getElementById("new-text");

function showError(message) {
  errorLine.textContent = message;
  errorLine.hidden = false;
  statusLine.hidden = true;
}

function clearError() {
  errorLine.hidden = true;
}

async function api(path, options = {}) {
  let response;
  try {
    response = await fetch(apiBase + path, {
      ...options,
      headers: options.body ? { "Content-Type": "application/json" } : {},
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
  } catch (networkError) {
    throw new Error(`Cannot reach the TodoList API at ${apiBase || window.location.origin}. Is the service running?`);
  }
  if (response.status === 204) return null;
  const body = await response.json().catch(() => ({}));
  if (!response.ok) throw new Error(body.message || `The API answered ${response.status}.`);
  return body;
}

function render(todos) {
  list.replaceChildren(...todos.map((todo) => {
    const item = document.createElement("li");
    item.dataset.id = todo.id;
    item.classList.toggle("completed", todo.completed);
    const box = document.createElement("input");
    box.type = "checkbox";
    box.checked = todo.completed;
    box.setAttribute("aria-label", `Completed: ${todo.text}`);
    box.addEventListener("change", () => update(todo.id, { completed: box.checked }));
    const text = document.createElement("span");
    text.className = "text";
    text.textContent = todo.text;
    const remove = document.createElement("button");
    remove.className = "delete";
    remove.type = "button";
    remove.textContent = "✕";
    remove.setAttribute("aria-label", `Delete: ${todo.text}`);
    remove.addEventListener("click", () => removeTodo(todo.id));
    item.append(box, text, remove);
    return item;
  }));
  statusLine.textContent = todos.length ? `${todos.length} todo${todos.length === 1 ? "" : "s"}` : "Nothing to do.";
  statusLine.hidden = false;
  document.body.dataset.state = "loaded";
}

async function load() {
  try {
    render(await api("/todos"));
    clearError();
    form.hidden = false;
  } catch (error) {
    list.replaceChildren();
    showError(error.message);
    document.body.dataset.state = "error";
  }
}

async function update(id, changes) {
  try {
    await api(`/todos/${id}`, { method: "PATCH", body: JSON.stringify(changes) });
    await load();
  } catch (error) {
    showError(error.message);
  }
}

async function removeTodo(id) {
  try {
    await api(`/todos/${id}`, { method: "DELETE" });
    await load();
  } catch (error) {
    showError(error.message);
  }
}

form.addEventListener("submit", async (event) => {
  event.preventDefault();
  const text = input.value.trim();
  if (!text) return;
  try {
    await api("/todos", { method: "POST", body: JSON.stringify({ text }) });
    input.value = "";
    await load();
  } catch (error) {
    showError(error.message);
  }
});

load();
