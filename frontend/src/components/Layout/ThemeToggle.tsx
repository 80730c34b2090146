import { IconMoon, IconSun } from "@douyinfe/semi-icons";
import { Button, Tooltip } from "@douyinfe/semi-ui";
import { useTheme } from "../../app/theme";

export function ThemeToggle() {
  const { mode, toggle } = useTheme();
  const label = mode === "dark" ? "Switch to light theme" : "Switch to dark theme";
  return (
    <Tooltip content={label}>
      <Button theme="borderless" type="tertiary" icon={mode === "dark" ? <IconSun aria-hidden /> : <IconMoon aria-hidden />} aria-label={label} onClick={toggle} />
    </Tooltip>
  );
}
