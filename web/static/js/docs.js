// The API documentation page: Swagger UI served from this origin (no CDN, no inline script).
/* global SwaggerUIBundle */
window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#swagger-ui", deepLinking: true });
