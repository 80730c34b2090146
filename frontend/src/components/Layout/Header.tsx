import { Link } from "react-router-dom";
import type { Space } from "../../api/client";
import { ThemeToggle } from "./ThemeToggle";
import { UserMenu } from "./UserMenu";
import { WorkspaceSwitcher } from "./WorkspaceSwitcher";

export function Header({ space }: { space?: Space }) {
  return (
    <header className="loop-header">
      <Link to="/console" className="loop-brand" aria-label="Loop home">
        <span className="loop-brand-mark" aria-hidden="true">
          ∞
        </span>
        Loop
      </Link>
      <WorkspaceSwitcher current={space} />
      <div className="loop-header-spacer" />
      <ThemeToggle />
      <UserMenu />
    </header>
  );
}
