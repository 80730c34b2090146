import { TabPane, Tabs } from "@douyinfe/semi-ui";
import { Navigate, useNavigate, useParams } from "react-router-dom";
import { paths, type AccountTab } from "../../app/paths";
import { PageHeader } from "../../components/common/PageHeader";
import { ProfileForm } from "../../components/Profile/ProfileForm";
import { TokenTable } from "../../components/Tokens/TokenTable";

const TABS: { key: AccountTab; label: string }[] = [
  { key: "profile", label: "Profile" },
  { key: "tokens", label: "API tokens" },
];

export default function AccountSettingsPage() {
  const { tab } = useParams();
  const navigate = useNavigate();
  const active = TABS.find((t) => t.key === tab);
  if (!active) return <Navigate to={paths.accountSettings("profile")} replace />;

  return (
    <div className="loop-page">
      <PageHeader title="Account settings" />
      <Tabs activeKey={active.key} onChange={(key) => void navigate(paths.accountSettings(key as AccountTab))} keepDOM={false}>
        {TABS.map((t) => (
          <TabPane key={t.key} tab={t.label} itemKey={t.key}>
            <div className="loop-card">{t.key === "profile" ? <ProfileForm /> : <TokenTable />}</div>
          </TabPane>
        ))}
      </Tabs>
    </div>
  );
}
