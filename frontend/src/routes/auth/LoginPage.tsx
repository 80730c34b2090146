import { TabPane, Tabs } from "@douyinfe/semi-ui";
import { Navigate, useLocation, useNavigate, useSearchParams } from "react-router-dom";
import { useSession } from "../../api/auth";
import { paths, safeRedirect } from "../../app/paths";
import { LoginForm, type AuthMode } from "../../components/Auth/LoginForm";
import { ThemeToggle } from "../../components/Layout/ThemeToggle";
import { Loading } from "../../components/common/QueryState";

export default function LoginPage() {
  const location = useLocation();
  const navigate = useNavigate();
  const [params] = useSearchParams();
  const session = useSession();
  const mode: AuthMode = location.pathname === paths.register ? "register" : "login";
  const redirect = safeRedirect(params.get("redirect")) ?? "/console";

  if (session.isPending) return <Loading label="Checking your session…" />;
  if (session.data) return <Navigate to={redirect} replace />;

  const switchMode = (key: string) => {
    void navigate({ pathname: key === "register" ? paths.register : paths.login, search: location.search }, { replace: true });
  };

  return (
    <div className="loop-auth">
      <div className="loop-auth-theme">
        <ThemeToggle />
      </div>
      <div className="loop-auth-card">
        <div className="loop-auth-brand">
          <span className="loop-brand-mark" aria-hidden="true">
            ∞
          </span>
          <h1>Loop</h1>
        </div>
        <p className="loop-muted">Prompts, evaluation and observability for AI agents.</p>
        <Tabs activeKey={mode} onChange={switchMode} type="line">
          <TabPane tab="Sign in" itemKey="login" />
          <TabPane tab="Create an account" itemKey="register" />
        </Tabs>
        <LoginForm key={mode} mode={mode} onSuccess={() => void navigate(redirect, { replace: true })} />
      </div>
    </div>
  );
}
