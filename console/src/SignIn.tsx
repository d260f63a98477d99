import { useState } from 'preact/hooks';

export function SignIn({ onSignIn }: { onSignIn(key: string): void }) {
  const [key, setKey] = useState('');
  return (
    <main class="sign-in">
      <form
        aria-label="Sign in"
        onSubmit={(event) => {
          event.preventDefault();
          if (key.trim()) onSignIn(key.trim());
        }}
      >
        <h2>Sign in</h2>
        <p>
          This service requires a key: an admin API key opens the board, an operator key (ldo_…)
          your desk. It is kept in this browser tab only.
        </p>
        <label for="admin-key">Admin API key or operator key</label>
        <input
          id="admin-key"
          type="password"
          autocomplete="off"
          required
          value={key}
          onInput={(event) => setKey(event.currentTarget.value)}
        />
        <button type="submit">Sign in</button>
      </form>
    </main>
  );
}
