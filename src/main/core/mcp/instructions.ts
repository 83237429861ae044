/** What an MCP client is told at initialize, and what `get_server_instructions` answers. */
export const MCP_INSTRUCTIONS = `SWF Control Center runs the ePIC streaming workflow testbed on this machine: agents (DAQ simulator,
data, processing, fast monitoring), the message broker and the monitor. Start with swf_get_testbed_status
("am I ready to run?"), then swf_list_agents / swf_get_agent, swf_list_logs (level ERROR) and
swf_list_messages. What is running now? swf_list_workflow_executions(currently_running=true); follow one
with swf_get_workflow_monitor. swf_list_available_tools lists every tool. List tools return
{items, total_count, has_more}; page with offset. Times are ISO 8601 (UTC when no zone is given).
Ask the user before starting, stopping or restarting agents or workflows.`;
