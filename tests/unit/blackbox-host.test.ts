import { parse } from "yaml";
import { describe, expect, it } from "vitest";
import { renderBlackboxYml } from "../../components/monitoring/blackbox-yml";
import { blackboxModules } from "../../components/monitoring/prometheus-yml";

interface Modules {
    modules: Record<string, { http?: { headers?: Record<string, string>; tls_config: { server_name?: string } }; tcp?: { tls_config: { server_name?: string } } }>;
}

/**
 * The edge closes any request whose Host is not its domain (components/web-tier/nginx-conf.ts):
 * a probe of another address (the local target's `https://edge:443/health`, the live tests'
 * 127.0.0.1) must send the domain as Host, not only as SNI, or EndpointDown fires forever.
 */
describe("blackbox.yml: the probes name the site", () => {
    it("sends the server name as the HTTP probe's Host and SNI", () => {
        const cfg = parse(renderBlackboxYml({ serverName: "app.localhost", insecureSkipVerify: true })) as Modules;
        const http = cfg.modules[blackboxModules.http].http!;
        expect(http.headers).toEqual({ Host: "app.localhost" });
        expect(http.tls_config.server_name).toBe("app.localhost");
        expect(cfg.modules[blackboxModules.tls].tcp!.tls_config.server_name).toBe("app.localhost");
    });

    it("leaves Host to the URL when the probed URL is the site's own", () => {
        const cfg = parse(renderBlackboxYml({})) as Modules;
        expect(cfg.modules[blackboxModules.http].http!.headers).toBeUndefined();
    });
});
