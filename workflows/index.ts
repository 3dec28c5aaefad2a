// Workflow entry point for the worker bundle.
export {};
