import { IconExit, IconKey, IconSetting } from "@douyinfe/semi-icons";
import { Avatar, Button, Dropdown, Toast } from "@douyinfe/semi-ui";
import { useNavigate } from "react-router-dom";
import { useLogout } from "../../api/auth";
import { errorMessage } from "../../api/errors";
import { paths } from "../../app/paths";
import { useCurrentUser } from "../../app/session";

function initials(name: string): string {
  return name.trim().slice(0, 1).toUpperCase() || "?";
}

export function UserMenu() {
  const user = useCurrentUser();
  const navigate = useNavigate();
  const logout = useLogout();
  const display = user.nick_name || user.name || user.email;

  const signOut = () =>
    logout.mutate(undefined, {
      onSuccess: () => void navigate(paths.login, { replace: true }),
      onError: (error) => Toast.error(`Sign out failed: ${errorMessage(error)}`),
    });

  return (
    <Dropdown
      trigger="click"
      position="bottomRight"
      render={
        <Dropdown.Menu>
          <Dropdown.Title>
            <div className="loop-user-title">{display}</div>
            <div className="loop-muted">{user.email}</div>
          </Dropdown.Title>
          <Dropdown.Item icon={<IconSetting aria-hidden />} onClick={() => void navigate(paths.accountSettings("profile"))}>
            Settings
          </Dropdown.Item>
          <Dropdown.Item icon={<IconKey aria-hidden />} onClick={() => void navigate(paths.accountSettings("tokens"))}>
            API tokens
          </Dropdown.Item>
          <Dropdown.Divider />
          <Dropdown.Item icon={<IconExit aria-hidden />} onClick={signOut}>
            Sign out
          </Dropdown.Item>
        </Dropdown.Menu>
      }
    >
      <Button theme="borderless" type="tertiary" aria-label="Account menu" aria-haspopup="menu" loading={logout.isPending}>
        <Avatar size="extra-small" color="light-blue" alt={display}>
          {initials(display)}
        </Avatar>
      </Button>
    </Dropdown>
  );
}
