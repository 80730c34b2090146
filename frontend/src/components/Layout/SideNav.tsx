import { IconHome, IconUserGroup } from "@douyinfe/semi-icons";
import { NavLink } from "react-router-dom";
import { MODULE_GROUPS, type ModuleItem } from "../../app/modules";
import { paths } from "../../app/paths";

function navClass({ isActive }: { isActive: boolean }): string {
  return isActive ? "loop-nav-link is-active" : "loop-nav-link";
}

function ModuleLink({ spaceId, item }: { spaceId: string; item: ModuleItem }) {
  const soonId = `nav-soon-${item.key}`;
  const planned = item.status === "planned";
  return (
    <li>
      <NavLink
        to={paths.spaceModule(spaceId, item.path)}
        className={navClass}
        aria-label={item.label}
        aria-describedby={planned ? soonId : undefined}
        data-status={item.status}
      >
        <span className="loop-nav-icon" aria-hidden="true">
          {item.icon}
        </span>
        <span className="loop-nav-label">{item.label}</span>
        {planned && (
          <span id={soonId} className="loop-soon">
            Soon
          </span>
        )}
      </NavLink>
    </li>
  );
}

/** The left navigation, derived from the module registry. */
export function SideNav({ spaceId }: { spaceId: string }) {
  return (
    <nav className="loop-nav" aria-label="Main">
      <ul>
        <li>
          <NavLink to={paths.space(spaceId)} end className={navClass}>
            <span className="loop-nav-icon" aria-hidden="true">
              <IconHome aria-hidden />
            </span>
            <span className="loop-nav-label">Home</span>
          </NavLink>
        </li>
      </ul>
      {MODULE_GROUPS.map((group) => (
        <section key={group.key} aria-labelledby={`nav-group-${group.key}`}>
          <h2 id={`nav-group-${group.key}`} className="loop-nav-group">
            {group.label}
          </h2>
          <ul>
            {group.items.map((item) => (
              <ModuleLink key={item.key} spaceId={spaceId} item={item} />
            ))}
          </ul>
        </section>
      ))}
      <ul className="loop-nav-bottom">
        <li>
          <NavLink to={paths.workspaceSettings(spaceId)} className={navClass}>
            <span className="loop-nav-icon" aria-hidden="true">
              <IconUserGroup aria-hidden />
            </span>
            <span className="loop-nav-label">Workspace settings</span>
          </NavLink>
        </li>
      </ul>
    </nav>
  );
}
