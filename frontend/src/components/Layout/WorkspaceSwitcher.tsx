import { IconChevronDown, IconPlus, IconTick } from "@douyinfe/semi-icons";
import { Button, Dropdown, Spin, Tag } from "@douyinfe/semi-ui";
import { useState } from "react";
import { useNavigate } from "react-router-dom";
import type { Space } from "../../api/client";
import { errorMessage } from "../../api/errors";
import { SPACE_TYPE, useSpaces } from "../../api/spaces";
import { paths } from "../../app/paths";
import { CreateWorkspaceModal } from "../Workspace/CreateWorkspaceModal";

export function WorkspaceSwitcher({ current }: { current?: Space }) {
  const spaces = useSpaces();
  const navigate = useNavigate();
  const [creating, setCreating] = useState(false);
  const name = current?.name ?? "Select";

  const menu = (
    <Dropdown.Menu>
      <Dropdown.Title>Workspaces</Dropdown.Title>
      {spaces.isPending && (
        <Dropdown.Item disabled>
          <Spin size="small" /> Loading…
        </Dropdown.Item>
      )}
      {spaces.isError && (
        <Dropdown.Item onClick={() => void spaces.refetch()}>Could not load workspaces ({errorMessage(spaces.error)}). Retry</Dropdown.Item>
      )}
      {spaces.data?.map((space) => (
        <Dropdown.Item
          key={space.id}
          active={space.id === current?.id}
          icon={space.id === current?.id ? <IconTick aria-hidden /> : <span className="loop-icon-placeholder" />}
          onClick={() => void navigate(paths.space(space.id))}
        >
          {space.name}
          {space.space_type === SPACE_TYPE.personal && (
            <Tag size="small" color="grey" className="loop-tag-gap">
              Personal
            </Tag>
          )}
        </Dropdown.Item>
      ))}
      <Dropdown.Divider />
      <Dropdown.Item icon={<IconPlus aria-hidden />} onClick={() => setCreating(true)}>
        Create team workspace
      </Dropdown.Item>
    </Dropdown.Menu>
  );

  return (
    <>
      <Dropdown trigger="click" position="bottomLeft" render={menu}>
        <Button theme="borderless" type="tertiary" aria-label={`Workspace: ${name}`} aria-haspopup="menu" className="loop-switcher">
          <span className="loop-switcher-name">{name}</span>
          <IconChevronDown size="small" aria-hidden />
        </Button>
      </Dropdown>
      <CreateWorkspaceModal
        visible={creating}
        onClose={() => setCreating(false)}
        onCreated={(space) => {
          setCreating(false);
          void navigate(paths.space(space.id));
        }}
      />
    </>
  );
}
