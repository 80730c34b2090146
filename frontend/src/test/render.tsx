import { render } from "@testing-library/react";
import type { ReactElement } from "react";
import { createMemoryRouter, MemoryRouter, RouterProvider } from "react-router-dom";
import { Providers } from "../app/Providers";
import { createQueryClient } from "../app/queryClient";
import { appRoutes } from "../app/routes";

/** Render a component with the app's providers and a router at `route`. */
export function renderWithProviders(ui: ReactElement, route = "/") {
  const queryClient = createQueryClient();
  const result = render(
    <Providers queryClient={queryClient}>
      <MemoryRouter initialEntries={[route]}>{ui}</MemoryRouter>
    </Providers>,
  );
  return { ...result, queryClient };
}

/** Render the whole app's route table at `route`; returns the router to inspect its location. */
export function renderApp(route: string) {
  const queryClient = createQueryClient();
  const router = createMemoryRouter(appRoutes, { initialEntries: [route] });
  const result = render(
    <Providers queryClient={queryClient}>
      <RouterProvider router={router} />
    </Providers>,
  );
  return { ...result, router, queryClient };
}
