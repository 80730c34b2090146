import { SPACE_TYPE } from "../../api/spaces";
import { MODULE_GROUPS } from "../../app/modules";
import { useCurrentSpace } from "../../app/session";
import { PageHeader } from "../../components/common/PageHeader";
import { ConnectSdkPanel } from "../../components/Sdk/ConnectSdkPanel";

export default function HomePage() {
  const space = useCurrentSpace();
  return (
    <div className="loop-page">
      <PageHeader
        title={space.name}
        description={space.description || (space.space_type === SPACE_TYPE.personal ? "Your personal workspace." : "A team workspace.")}
      />
      <ConnectSdkPanel workspaceId={space.id} />
      <p className="loop-muted">What this workspace holds; the navigation on the left opens each page.</p>
      <div className="loop-module-grid">
        {MODULE_GROUPS.map((group) => (
          <section key={group.key} className="loop-card loop-module-card" aria-labelledby={`home-${group.key}`}>
            <h2 id={`home-${group.key}`} className="loop-card-title">
              {group.label}
            </h2>
            <ul>
              {group.items.map((item) => (
                <li key={item.key}>
                  <strong>{item.label}</strong>
                  {item.status === "planned" && <span className="loop-soon loop-tag-gap">Soon</span>}
                  <div className="loop-muted">{item.summary}</div>
                </li>
              ))}
            </ul>
          </section>
        ))}
      </div>
    </div>
  );
}
