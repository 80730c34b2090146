import { LocaleProvider } from "@douyinfe/semi-ui";
import en_US from "@douyinfe/semi-ui/lib/es/locale/source/en_US";
import { QueryClientProvider, type QueryClient } from "@tanstack/react-query";
import { useEffect, type ReactNode } from "react";
import { setUnauthorizedHandler } from "../api/client";
import { queryKeys } from "../api/queryKeys";
import { ThemeProvider } from "./theme";

/** Everything the app needs around its routes: data cache, Semi locale, theme, and the 401 hook. */
export function Providers({ queryClient, children }: { queryClient: QueryClient; children: ReactNode }) {
  useEffect(() => {
    // A 401 on any ordinary call means the session ended: drop it, and the auth guard sends the user to sign in.
    setUnauthorizedHandler(() => queryClient.setQueryData(queryKeys.session, null));
    return () => setUnauthorizedHandler(() => undefined);
  }, [queryClient]);

  return (
    <QueryClientProvider client={queryClient}>
      <LocaleProvider locale={en_US}>
        <ThemeProvider>{children}</ThemeProvider>
      </LocaleProvider>
    </QueryClientProvider>
  );
}
