from django.urls import path

from reports import document_views, excel_views, views

app_name = "reports"
urlpatterns = [
    path("", views.my_reports, name="mine"),
    path("subprojects/<int:subproject_id>/<str:month>/", views.report_edit, name="edit"),
    path("projects/<int:project_id>/<str:month>/metrics/", views.project_report_edit,
         name="project_report"),
    path("<int:report_id>/return/", views.report_return, name="return"),
    path("<int:report_id>/approve/", views.report_approve, name="approve"),
    path("<int:report_id>/reopen/", views.report_reopen, name="reopen"),
    path("projects/<int:project_id>/review/", views.review, name="review"),
    path("projects/<int:project_id>/<str:month>/excel/", excel_views.excel_template,
         name="excel_template"),
    path("projects/<int:project_id>/<str:month>/excel/upload/", excel_views.excel_upload,
         name="excel_upload"),
    path("projects/<int:project_id>/documents/", document_views.document_list, name="documents"),
    path("documents/<int:document_id>/", document_views.document_status, name="document_status"),
    path("documents/<int:document_id>/download/", document_views.document_download,
         name="document_download"),
]
