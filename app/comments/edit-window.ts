/** How long after posting a writer may edit their comment (issue: default 15 minutes). */
export const EDIT_WINDOW_MINUTES = 15;
